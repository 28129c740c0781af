"""Tests of interpose.shims.io_open: differential against _io, and CPython's own FileIO and io tests."""
