#include "gui/presetdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace afx::gui {

PresetDialog::PresetDialog(QWidget *parent)
    : QDialog(parent)
    , m_presets(doctor::presets())
    , m_choice(new QComboBox(this))
    , m_form(new QFormLayout)
    , m_error(new QLabel(this))
{
    setObjectName(QStringLiteral("presetDialog"));
    setWindowTitle(tr("New profile from a provider preset"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Choose the provider and fill in what differs for your application. The preset fills in "
                                "the rest, and the doctor knows the provider's quirks. You can change everything in the "
                                "profile form that opens next."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_choice->setObjectName(QStringLiteral("presetChoice"));
    for (const doctor::Preset &preset : std::as_const(m_presets))
        m_choice->addItem(preset.name, preset.id);
    auto *top = new QFormLayout;
    top->addRow(tr("&Provider:"), m_choice);
    layout->addLayout(top);
    layout->addLayout(m_form);
    m_error->setObjectName(QStringLiteral("presetError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #a4262c; }"));
    m_error->hide();
    layout->addWidget(m_error);
    layout->addStretch(1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Continue"));
    connect(buttons, &QDialogButtonBox::accepted, this, &PresetDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    connect(m_choice, &QComboBox::currentIndexChanged, this, &PresetDialog::showFields);
    showFields();
    resize(560, sizeHint().height());
}

bool PresetDialog::selectPreset(const QString &id)
{
    const int index = m_choice->findData(id);
    if (index < 0)
        return false;
    m_choice->setCurrentIndex(index);
    return true;
}

void PresetDialog::setValue(const QString &key, const QString &value)
{
    for (const auto &[fieldKey, input] : std::as_const(m_inputs)) {
        if (fieldKey == key)
            input->setText(value);
    }
}

void PresetDialog::showFields()
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_inputs.clear();
    m_error->hide();
    const int index = m_choice->currentIndex();
    if (index < 0 || index >= m_presets.size())
        return;
    for (const doctor::Field &field : m_presets.at(index).fields) {
        auto *input = new QLineEdit(this);
        input->setObjectName(QStringLiteral("preset-") + field.key);
        input->setPlaceholderText(field.example);
        input->setToolTip(field.help);
        input->setAccessibleName(field.label);
        m_form->addRow(field.label + (field.required ? QStringLiteral(":") : tr(" (optional):")), input);
        m_inputs.append({field.key, input});
    }
}

void PresetDialog::accept()
{
    const int index = m_choice->currentIndex();
    if (index < 0 || index >= m_presets.size())
        return;
    QMap<QString, QString> values;
    for (const auto &[key, input] : std::as_const(m_inputs))
        values.insert(key, input->text().trimmed());
    QString error;
    const Profile built = m_presets.at(index).build(values, &error);
    if (!error.isEmpty()) {
        // The inputs stay as typed, so the user corrects only the value the message names.
        m_error->setText(error);
        m_error->show();
        return;
    }
    m_profile = built;
    QDialog::accept();
}

} // namespace afx::gui
