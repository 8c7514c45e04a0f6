/**
protobufjs, configured once: 64-bit integers as Long objects. Set explicitly so that the bundle never
depends on protobufjs finding the `long` package by itself at run time.
*/
import Long from 'long';
import protobuf from 'protobufjs';

protobuf.util.Long = Long;
protobuf.configure();

export default protobuf;
