#ifndef SENIM_CNCURSESW_SHIM_H
#define SENIM_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's -D flags, so the wide-character switches live here.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <ncursesw/curses.h>
#endif
