#ifndef SENIM_CSQLITE_SHIM_H
#define SENIM_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
