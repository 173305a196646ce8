#include "inv/app/audit_service.hpp"

#include <chrono>
#include <memory>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../store_support.hpp"
#include "../support.hpp"
#include "inv/app/batch.hpp"
#include "inv/app/command_service.hpp"
#include "inv/cli/output.hpp"
#include "inv/error.hpp"
#include "inv/store/event_store.hpp"

// The audit use cases (SPEC §3, §11): verify replays the log and checks every cache, with
// --expect-head and --extends; rebuild; import as a sync. And batch apply (SPEC §3, §7): all or
// nothing, one batch idempotency key. Through open_store(), as the CLI runs them.

namespace inv::app {
namespace {

using domain::CreateItem;
using domain::ReserveStock;
using store::Access;

class AuditServiceTest : public ::testing::Test {
 protected:
  std::unique_ptr<store::Store> open(const std::string& name = "inventory.db",
                                     Access access = Access::write) {
    return store::open_store((m_dir / name).string(), access, std::chrono::milliseconds(0));
  }

  static void write(store::Store& store, const domain::Command& command) {
    WriteOptions options;
    options.metadata.actor = "tester";
    CommandService(store).execute(command, options);
  }

  static std::string export_of(store::Store& store) {
    std::string text;
    test::history_of(store, [&](const store::RecordedEvent& event) {
      text += cli::event_json(event);  // one line of `inv export`
      text += '\n';
    });
    return text;
  }

  static ImportResult import(store::Store& store, const std::string& text, bool dry_run = false) {
    std::istringstream input(text);
    return AuditService(store).import_events(input, "test.ndjson", nullptr, dry_run);
  }

 private:
  test::TempDir m_dir;
};

TEST_F(AuditServiceTest, VerifiesACleanLogWithExpectHeadAndExtends) {
  auto store = open();
  write(*store, CreateItem{"A", 10, std::nullopt});
  write(*store, ReserveStock{"A", 2});
  const store::Head pinned = test::head_of(*store);
  write(*store, ReserveStock{"A", 3});
  AuditService audit(*store);
  const VerifyReport report = audit.verify(std::nullopt, std::nullopt, nullptr);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.events, 3);
  EXPECT_EQ(report.items, 1);
  EXPECT_FALSE(report.checked_at.empty());
  const ExpectedHead at_pin{pinned.position, pinned.hash};
  EXPECT_TRUE(audit.verify(std::nullopt, at_pin, nullptr).ok());
  EXPECT_FALSE(audit.verify(at_pin, std::nullopt, nullptr).ok()) << "--expect-head stays exact";
  EXPECT_FALSE(audit.verify(std::nullopt, ExpectedHead{2, std::string(64, 'f')}, nullptr).ok());
  EXPECT_FALSE(audit.verify(std::nullopt, ExpectedHead{4, pinned.hash}, nullptr).ok());
}

TEST_F(AuditServiceTest, RebuildRecreatesTheCachesFromTheLog) {
  auto store = open();
  write(*store, CreateItem{"A", 10, std::nullopt});
  write(*store, ReserveStock{"A", 2});
  const auto before = test::find_item(*store, "A");
  {
    auto session = store->begin(store::Store::Mode::write);
    session->clear_caches();
    session->commit();
  }
  EXPECT_FALSE(AuditService(*store).verify(std::nullopt, std::nullopt, nullptr).ok());
  const RebuildResult result = AuditService(*store).rebuild(nullptr);
  EXPECT_EQ(result.events, 2);
  EXPECT_EQ(result.items, 1);
  EXPECT_EQ(test::find_item(*store, "A"), before);
  EXPECT_TRUE(AuditService(*store).verify(std::nullopt, std::nullopt, nullptr).ok());
  write(*store, ReserveStock{"A", 1});  // the rebuilt row is sealed: writes go on
}

TEST_F(AuditServiceTest, ImportIsASync) {
  auto source = open("source.db");
  write(*source, CreateItem{"A", 10, std::nullopt});
  write(*source, ReserveStock{"A", 2});
  const std::string first = export_of(*source);
  write(*source, ReserveStock{"A", 3});
  const std::string all = export_of(*source);

  auto copy = open("copy.db");
  EXPECT_EQ(import(*copy, first).events, 2);
  const ImportResult again = import(*copy, first);
  EXPECT_EQ(again.events, 0);
  EXPECT_EQ(again.skipped, 2);
  const ImportResult rest = import(*copy, all);
  EXPECT_EQ(rest.events, 1);
  EXPECT_EQ(rest.skipped, 2);
  EXPECT_EQ(rest.head, test::head_of(*source));
  EXPECT_EQ(import(*copy, all).events, 0);
  EXPECT_TRUE(AuditService(*copy).verify(std::nullopt, std::nullopt, nullptr).ok());
  EXPECT_EQ(test::find_item(*copy, "A"), test::find_item(*source, "A"));

  // The copy goes its own way: the source's next events no longer fit.
  write(*copy, ReserveStock{"A", 1});
  write(*source, ReserveStock{"A", 4});
  const store::Head copy_head = test::head_of(*copy);
  EXPECT_EQ(error_code_of([&] { import(*copy, export_of(*source)); }), "import_diverged");
  EXPECT_EQ(test::head_of(*copy), copy_head);
  // A tail into an empty log does not continue it.
  auto empty = open("empty.db");
  const std::string tail = all.substr(all.find('\n') + 1);
  EXPECT_EQ(error_code_of([&] { import(*empty, tail); }), "import_not_continuation");
  // A dry run checks and appends nothing.
  EXPECT_EQ(import(*empty, all, true).events, 3);
  EXPECT_EQ(test::head_of(*empty).position, 0);
}

class BatchReaderOf {
 public:
  explicit BatchReaderOf(const std::string& text)
      : m_input(text), m_reader(make_batch_reader(m_input, "batch", BatchFormat::ndjson)) {}
  BatchReader& operator*() { return *m_reader; }

 private:
  std::istringstream m_input;
  std::unique_ptr<BatchReader> m_reader;
};

TEST_F(AuditServiceTest, ApplyIsAllOrNothingAndOneIdempotentCommand) {
  auto store = open();
  BatchOptions options;
  options.source = "batch";
  options.actor = "tester";
  CommandService service(*store);
  {
    BatchReaderOf bad(
        "{\"cmd\":\"create\",\"sku\":\"A\",\"soh\":5}\n{\"cmd\":\"reserve\",\"sku\":\"A\",\"qty\":"
        "6}\n");
    try {
      service.apply(*bad, options, nullptr);
      ADD_FAILURE() << "a batch with a rejected line succeeded";
    } catch (const Error& error) {
      EXPECT_EQ(error.exit_code(), ExitCode::rejected);
      EXPECT_THAT(error.what(), ::testing::HasSubstr("batch:2:"));
    }
  }
  EXPECT_EQ(test::head_of(*store).position, 0);

  options.idempotency_key = "batch-1";
  const std::string text =
      "{\"cmd\":\"create\",\"sku\":\"A\",\"soh\":5}\n{\"cmd\":\"reserve\",\"sku\":\"A\",\"qty\":2}"
      "\n";
  BatchReaderOf first(text);
  const BatchResult done = service.apply(*first, options, nullptr);
  EXPECT_EQ(done.commands, 2);
  EXPECT_EQ(done.events, 2);
  EXPECT_FALSE(done.duplicate);
  BatchReaderOf rerun(text);
  const BatchResult again = service.apply(*rerun, options, nullptr);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(test::head_of(*store).position, 2);
  BatchReaderOf other("{\"cmd\":\"reserve\",\"sku\":\"A\",\"qty\":1}\n");
  EXPECT_EQ(error_code_of([&] { service.apply(*other, options, nullptr); }),
            "idempotency_conflict");
  EXPECT_EQ(test::find_item(*store, "A")->reserved, 2);
}

}  // namespace
}  // namespace inv::app
