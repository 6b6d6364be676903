#include "gui/fontconfigload.h"

#ifdef AFX_HAVE_FONTCONFIG
#include <fontconfig/fontconfig.h>
#endif

namespace afx::gui {

std::jthread startFontConfigLoad()
{
#ifdef AFX_HAVE_FONTCONFIG
    // Measuring fonts here as well did not shorten the start-up: the GUI thread still loaded
    // each font face itself.
    return std::jthread([] { FcInit(); });
#else
    return {};
#endif
}

} // namespace afx::gui
