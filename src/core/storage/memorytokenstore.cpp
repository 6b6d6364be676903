#include "storage/memorytokenstore.h"

#include <QMetaObject>

namespace afx {

MemoryTokenStore::MemoryTokenStore(QObject *parent)
    : TokenStore(parent)
{
}

QString MemoryTokenStore::backendName() const
{
    return tr("memory (this session only)");
}

void MemoryTokenStore::write(const QString &key, const QString &value, Done done)
{
    m_values.insert(key, value);
    QMetaObject::invokeMethod(this, [done = std::move(done)] {
        if (done)
            done(true, QString());
    }, Qt::QueuedConnection);
}

void MemoryTokenStore::read(const QString &key, Loaded loaded)
{
    const auto it = m_values.constFind(key);
    const bool found = it != m_values.constEnd();
    QMetaObject::invokeMethod(this, [loaded = std::move(loaded), found, value = found ? it.value() : QString()] {
        if (loaded)
            loaded(found, value, QString());
    }, Qt::QueuedConnection);
}

void MemoryTokenStore::remove(const QString &key, Done done)
{
    m_values.remove(key);
    QMetaObject::invokeMethod(this, [done = std::move(done)] {
        if (done)
            done(true, QString());
    }, Qt::QueuedConnection);
}

} // namespace afx
