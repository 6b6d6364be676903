#pragma once

#include "storage/tokenstore.h"

#include <QHash>

namespace afx {

// Keeps secrets in memory for this session only: the fallback when no keychain is usable.
// Callbacks are delivered from the event loop, never from inside the call, as with the
// keychain, so callers behave the same with both stores. A callback pending when the store is
// destroyed is dropped.
class MemoryTokenStore : public TokenStore {
    Q_OBJECT
public:
    explicit MemoryTokenStore(QObject *parent = nullptr);

    QString backendName() const override;
    bool isPersistent() const override { return false; }

    void write(const QString &key, const QString &value, Done done) override;
    void read(const QString &key, Loaded loaded) override;
    void remove(const QString &key, Done done) override;

    qsizetype size() const { return m_values.size(); }

private:
    QHash<QString, QString> m_values;
};

} // namespace afx
