#include "net/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace outreach::net {
namespace {

TEST(Metrics, EmptyRegistryRendersNothing) {
  net::MetricsRegistry r;
  EXPECT_EQ(r.render(), "");
}

TEST(Metrics, CounterWithLabels) {
  net::MetricsRegistry r;
  r.counter("outreach_sends_total", "Messages handed to a provider.", {{"channel", "sms"}}).inc();
  auto& whatsapp = r.counter("outreach_sends_total", "ignored", {{"channel", "whatsapp"}});
  whatsapp.inc(2);
  r.counter("outreach_sends_total", "", {{"channel", "sms"}}).inc();  // same series
  EXPECT_EQ(r.render(),
            "# HELP outreach_sends_total Messages handed to a provider.\n"
            "# TYPE outreach_sends_total counter\n"
            "outreach_sends_total{channel=\"sms\"} 2\n"
            "outreach_sends_total{channel=\"whatsapp\"} 2\n");
}

TEST(Metrics, CounterIgnoresNegativeIncrements) {
  net::MetricsRegistry r;
  auto& c = r.counter("x_total", "x");
  c.inc(-5);
  EXPECT_EQ(c.value(), 0);
}

TEST(Metrics, GaugeAndFamiliesSortedByName) {
  net::MetricsRegistry r;
  auto& g = r.gauge("outreach_queue_depth", "Queued messages.");
  g.set(10);
  g.dec(2.5);
  r.counter("outreach_a_total", "A.").inc();
  EXPECT_EQ(r.render(),
            "# HELP outreach_a_total A.\n"
            "# TYPE outreach_a_total counter\n"
            "outreach_a_total 1\n"
            "# HELP outreach_queue_depth Queued messages.\n"
            "# TYPE outreach_queue_depth gauge\n"
            "outreach_queue_depth 7.5\n");
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  net::MetricsRegistry r;
  auto& h = r.histogram("outreach_send_seconds", "Send latency.", {1, 0.1, 0.5},
                        {{"provider", "twilio"}});
  for (double v : {0.05, 0.1, 0.3, 0.7, 3.0}) h.observe(v);
  EXPECT_EQ(r.render(),
            "# HELP outreach_send_seconds Send latency.\n"
            "# TYPE outreach_send_seconds histogram\n"
            "outreach_send_seconds_bucket{provider=\"twilio\",le=\"0.1\"} 2\n"
            "outreach_send_seconds_bucket{provider=\"twilio\",le=\"0.5\"} 3\n"
            "outreach_send_seconds_bucket{provider=\"twilio\",le=\"1\"} 4\n"
            "outreach_send_seconds_bucket{provider=\"twilio\",le=\"+Inf\"} 5\n"
            "outreach_send_seconds_sum{provider=\"twilio\"} 4.15\n"
            "outreach_send_seconds_count{provider=\"twilio\"} 5\n");
}

TEST(Metrics, HistogramWithoutLabels) {
  net::MetricsRegistry r;
  r.histogram("h", "H.", {1}).observe(2);
  EXPECT_EQ(r.render(),
            "# HELP h H.\n# TYPE h histogram\n"
            "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 1\nh_sum 2\nh_count 1\n");
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
  net::MetricsRegistry r;
  r.gauge("g", "line one\nback\\slash \"quotes\" stay", {{"reason", "say \"hi\"\\\n"}}).set(1);
  EXPECT_EQ(r.render(),
            "# HELP g line one\\nback\\\\slash \"quotes\" stay\n"
            "# TYPE g gauge\n"
            "g{reason=\"say \\\"hi\\\"\\\\\\n\"} 1\n");
}

TEST(Metrics, SpecialValues) {
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_metric_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_metric_value(std::nan("")), "NaN");
  EXPECT_EQ(format_metric_value(123456789012), "123456789012");
  EXPECT_EQ(format_metric_value(0.1), "0.1");
  EXPECT_EQ(format_metric_value(-2.5), "-2.5");
  EXPECT_EQ(format_metric_value(1e20), "1e+20");
}

TEST(Metrics, ReferencesStayValidAsSeriesAreAdded) {
  net::MetricsRegistry r;
  auto& first = r.counter("c_total", "C.", {{"k", "0"}});
  for (int i = 1; i < 100; ++i) r.counter("c_total", "C.", {{"k", std::to_string(i)}});
  first.inc(3);
  EXPECT_EQ(r.counter("c_total", "C.", {{"k", "0"}}).value(), 3);
}

TEST(Metrics, MisuseThrows) {
  net::MetricsRegistry r;
  r.counter("dup", "D.");
  EXPECT_THROW(r.gauge("dup", "D."), std::logic_error);
  EXPECT_THROW(r.counter("bad name", "B."), std::logic_error);
  EXPECT_THROW(r.counter("ok_total", "O.", {{"__reserved", "x"}}), std::logic_error);
  EXPECT_THROW(r.histogram("hh", "H.", {1}, {{"le", "x"}}), std::logic_error);
}

}  // namespace
}  // namespace outreach::net
