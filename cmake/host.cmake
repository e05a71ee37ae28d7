# SPDX-License-Identifier: GPL-2.0-only
# host.cmake - flags for host targets (libraries, CLI, tests, benchmarks).

set(MB_HOST_WARNINGS -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers)
if(MB_WERROR)
	list(APPEND MB_HOST_WARNINGS -Werror)
endif()
set(MB_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

# mb_host_target(<target>): apply the host warning set and, with
# MB_SANITIZE, ASan+UBSan to one host target.
function(mb_host_target tgt)
	target_compile_options(${tgt} PRIVATE ${MB_HOST_WARNINGS})
	if(MB_SANITIZE)
		target_compile_options(${tgt} PRIVATE ${MB_SAN_FLAGS})
		target_link_options(${tgt} PRIVATE ${MB_SAN_FLAGS})
	endif()
endfunction()
