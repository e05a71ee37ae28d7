# SPDX-License-Identifier: GPL-2.0-only
# embed.cmake - cmake -DIN=file -DOUT=header -DNAME=ident -P embed.cmake:
# write IN as a NUL-terminated C char array NAME (for the HTML page's script and style).
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" bytes "${bytes}")
file(WRITE ${OUT} "/* generated from ${IN} by cmake/embed.cmake */\nstatic const char ${NAME}[] = {\n${bytes}0x00 };\n")
