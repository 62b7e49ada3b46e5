#include "web/web.h"

namespace outreach::web {

std::unique_ptr<PageRouter> make_page_router(WebContext& ctx) {
  auto router = std::make_unique<PageRouter>(ctx);
  add_sign_in_pages(*router);
  add_home_pages(*router);
  add_volunteer_pages(*router);
  add_clerk_pages(*router);
  add_coordinator_pages(*router);
  add_coordinator_import_pages(*router);
  add_approver_pages(*router);
  return router;
}

}  // namespace outreach::web
