#!/bin/sh
# STAND-IN for OpenWrt's /lib/functions.sh in tests (OpenWrt's shell library cannot run on Debian).
# The protocol handler sources it but uses nothing from it.
# shellcheck shell=dash
:
