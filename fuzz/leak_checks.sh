# Sourced by fuzz/run.sh and fuzz/long.sh. leak_checks BUILD_DIR prints 1 when LeakSanitizer works
# here and 0 (with a warning on stderr) where it does not: it needs ptrace, which some containers
# forbid, and then every run under it would abort.
leak_checks() {
  local probe
  probe=$(printf 'int main(){return 0;}\n' | clang -x c -fsanitize=address - -o "$1/lsan-probe" 2>&1 &&
    ASAN_OPTIONS=detect_leaks=1 "$1/lsan-probe" 2>&1 || true)
  if [[ "$probe" == *"LeakSanitizer"* ]]; then
    echo "fuzz: LeakSanitizer does not work here (no ptrace?); running without leak checks" >&2
    echo 0
  else
    echo 1
  fi
}
