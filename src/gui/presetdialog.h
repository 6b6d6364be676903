#pragma once

#include "doctor/presets.h"

#include <QDialog>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;

namespace afx::gui {

// Starts a profile from a provider preset: the user picks the provider and fills in only what
// varies (tenant, domain, realm, region, client ID); profile() then contains the rest.
class PresetDialog : public QDialog {
    Q_OBJECT
public:
    explicit PresetDialog(QWidget *parent = nullptr);

    // Selects the preset with `id`; false when there is none.
    bool selectPreset(const QString &id);
    // Sets the input of the field `key` of the selected preset.
    void setValue(const QString &key, const QString &value);
    // The profile built from the inputs; valid after the dialog was accepted.
    Profile profile() const { return m_profile; }

    void accept() override;

private:
    void showFields();

    QList<doctor::Preset> m_presets;
    QComboBox *m_choice;
    QFormLayout *m_form;
    QLabel *m_error;
    QList<QPair<QString, QLineEdit *>> m_inputs;
    Profile m_profile;
};

} // namespace afx::gui
