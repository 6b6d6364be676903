// libFuzzer target: the query editor's GraphQL tooling on a document the user types. The input
// is the document text. It is parsed and validated against a fixed schema (the graphql-js
// fixture tests/data/graphql/introspection-todo.json), completed and looked up at several
// cursor positions, and prettified.

#include "fuzzsupport.h"

#include "graphql/completion.h"
#include "graphql/diagnostics.h"
#include "graphql/formatter.h"
#include "graphql/parser.h"
#include "graphql/schema.h"

#include <QFile>

#include <memory>

using namespace afx;

namespace {

std::unique_ptr<graphql::Schema> loadSchema()
{
    QFile file(QStringLiteral(AFX_TEST_DATA_DIR "/graphql/introspection-todo.json"));
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot open %s\n", qPrintable(file.fileName()));
        std::abort();
    }
    QString error;
    std::optional<graphql::Schema> schema = graphql::Schema::fromIntrospection(file.readAll(), &error);
    if (!schema) {
        std::fprintf(stderr, "the schema fixture is invalid: %s\n", qPrintable(error));
        std::abort();
    }
    return std::make_unique<graphql::Schema>(std::move(*schema));
}

const graphql::Schema *schema = nullptr;

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::silenceAppLogging();
    static const std::unique_ptr<graphql::Schema> loaded = loadSchema();
    schema = loaded.get();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes = fuzz::toByteArray(data, size);

    for (const graphql::Diagnostic &diagnostic : graphql::checkDocument(bytes, schema)) {
        fuzz::require(!diagnostic.message.isEmpty(), "every diagnostic has a message");
        fuzz::require(diagnostic.length >= 1, "every diagnostic underlines at least one character");
    }

    // The editor works on QString; invalid UTF-8 becomes U+FFFD as it does when pasted.
    const QString text = QString::fromUtf8(bytes);
    const qsizetype positions[] = {0, text.size() / 3, text.size() / 2, text.size()};
    for (const qsizetype cursor : positions) {
        const graphql::CompletionResult result = graphql::complete(text, cursor, schema);
        fuzz::require(result.replaceStart >= 0 && result.replaceLength >= 0
                          && result.replaceStart + result.replaceLength <= text.size(),
                      "the completion range lies inside the text");
        fuzz::require(result.replaceStart <= cursor, "the completion range starts at or before the cursor");
        graphql::referenceAt(text, cursor, *schema);
    }

    QString error;
    if (const std::optional<QString> pretty = graphql::prettify(text, &error)) {
        QString againError;
        const std::optional<QString> again = graphql::prettify(*pretty, &againError);
        fuzz::require(again.has_value(), "a prettified document prettifies again");
        fuzz::require(*again == *pretty, "prettify is idempotent");
    } else {
        fuzz::require(!error.isEmpty(), "a document that cannot be prettified has a message");
    }
    return 0;
}
