// libFuzzer target: GraphQL introspection responses (Schema::fromIntrospection). The input is
// the HTTP response body a backend returns to the editor's introspection query.

#include "fuzzsupport.h"

#include "graphql/schema.h"

using namespace afx;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::silenceAppLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray body = fuzz::toByteArray(data, size);
    QString error;
    const std::optional<graphql::Schema> schema = graphql::Schema::fromIntrospection(body, &error);
    if (!schema) {
        fuzz::require(!error.isEmpty(), "a rejected response has a message");
        return 0;
    }

    // An accepted schema has its query root, and every field's type resolves to a known type.
    fuzz::require(schema->type(schema->queryType()) != nullptr, "the query root type exists");
    for (const graphql::SchemaType &type : schema->types()) {
        for (const graphql::SchemaField &field : type.fields) {
            fuzz::require(schema->namedType(field.type) != nullptr, "every field's type is defined");
            for (const graphql::SchemaInputValue &argument : field.arguments)
                fuzz::require(schema->isInputType(argument.type), "every argument has an input type");
        }
    }
    return 0;
}
