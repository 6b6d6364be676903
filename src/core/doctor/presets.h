#pragma once

#include "doctor/finding.h"
#include "flow/authcodeflow.h"
#include "flow/trace.h"
#include "oidc/providermetadata.h"
#include "storage/profile.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <functional>
#include <optional>

namespace afx::doctor {

// One value the user enters for a preset, such as the tenant or the client ID.
struct Field {
    QString key;     // key in the values map passed to Preset::build(), such as "domain"
    QString label;   // shown next to the input, such as "Auth0 domain"
    QString example; // a made-up value of the right shape, such as "example-tenant.us.auth0.com"
    QString help;    // where to find the value
    bool required = true;
};

// The inputs of a rule. A member is null until its stage has happened: metadata and
// rawDiscovery before discovery, trace and result before a run.
struct CheckContext {
    const Profile *profile = nullptr;
    const oidc::ProviderMetadata *metadata = nullptr;
    const QJsonObject *rawDiscovery = nullptr;
    const Trace *trace = nullptr;
    const FlowResult *result = nullptr;
};

// A provider quirk as a doctor rule: its id is the id of the findings it produces.
struct Rule {
    QString id;
    Finding::Severity severity = Finding::Severity::Warning;
    QString summary; // one sentence, for lists such as docs/doctor.md
    std::function<QList<Finding>(const CheckContext &context)> check;
};

// A provider's profile template with its quirks.
struct Preset {
    QString id;   // stable, such as "auth0"; the discovery test fixture is tests/data/discovery/<id>.json
    QString name; // shown to the user
    QList<Field> fields;
    QList<Rule> quirks;

    // Builds a profile from `values` (keyed by Field::key). Returns a default Profile and sets
    // *error (when not null) to a sentence naming the field when a required value is missing or
    // malformed, or when the result fails Profile::validate().
    Profile build(const QMap<QString, QString> &values, QString *error) const;
    // Each field's example value, which build() accepts.
    QMap<QString, QString> exampleValues() const;
    // True when the profile's issuer or discovery URL looks like this preset's provider.
    bool matches(const Profile &profile) const { return recognizes && recognizes(profile); }

    // Fills the profile from validated values; set by presets().
    std::function<bool(const QMap<QString, QString> &values, Profile *profile, QString *error)> builder;
    std::function<bool(const Profile &profile)> recognizes;
};

// Auth0, Okta (org and custom authorization servers), Keycloak, Microsoft Entra ID (v1 and v2,
// single- and multi-tenant), Google, Amazon Cognito, a backend that accepts the provider's ID
// token, and generic OpenID Connect (last).
QList<Preset> presets();
std::optional<Preset> presetById(const QString &id);
// The first preset whose provider the profile points at. The ID-token backend and the generic
// preset are never recognized from a profile, so the result may be empty.
std::optional<Preset> presetForProfile(const Profile &profile);

// Runs the preset's quirk rules on what the context holds.
QList<Finding> checkQuirks(const Preset &preset, const CheckContext &context);

} // namespace afx::doctor
