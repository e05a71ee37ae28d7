# SPDX-License-Identifier: GPL-2.0-only
# install.cmake - the installed tree and the Debian package work on their own.
# Label "slow": each runs QEMU and gdb; the package test builds everything once
# more (dpkg-buildpackage).
if(TARGET kernel AND TARGET memblock-cli AND TARGET memblock-python)
	add_test(NAME install.cmake_install_works_without_the_build_tree
		COMMAND sh -c "w=$(mktemp -d /tmp/memblock-install.XXXXXX) || exit 1
trap 'rm -rf \"$w\"' EXIT
cp \"$1/tests/install/installed_check.sh\" \"$w/\" &&
cmake --install \"$2\" --prefix \"$w/prefix\" >\"$w/install.log\" &&
sh \"$w/installed_check.sh\" \"$w/prefix\" \"$w\" \"$1\" \"$2\"" sh
			${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
	set_tests_properties(install.cmake_install_works_without_the_build_tree PROPERTIES
		LABELS slow TIMEOUT 600 RUN_SERIAL ON)
	add_test(NAME install.deb_package_holds_everything_and_runs
		COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/deb_test.sh ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
	set_tests_properties(install.deb_package_holds_everything_and_runs PROPERTIES
		LABELS slow TIMEOUT 1800 RUN_SERIAL ON)
endif()
