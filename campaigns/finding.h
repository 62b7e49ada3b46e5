#pragma once
// A Finding is one thing the parser, validator or lint has to say about a campaign file, with the
// place it concerns: "config/campaigns/x.yaml:14:7: steps[2].channels[0]: unknown channel 'fax'".
// Plain data; safe to copy and share.

#include <string>
#include <vector>

namespace outreach::campaigns {

struct Finding {
  enum Severity { error, warning, info };

  Severity severity = error;
  std::string file;
  int line = 0;    // 1-based; 0 when the finding has no place in the file
  int column = 0;  // 1-based; 0 when unknown
  std::string field;  // "steps[2].channels[0]", "templates.first_contact.tr.text"; may be empty
  std::string message;

  // "file:line:column: field: message"; warnings and notes say so after the place
  // ("file:3:1: warning: field: message"); parts that are empty are left out.
  std::string str() const;
};

bool has_errors(const std::vector<Finding>& findings);
int count_errors(const std::vector<Finding>& findings);

// One line per finding, in order.
std::string format_findings(const std::vector<Finding>& findings);

}  // namespace outreach::campaigns
