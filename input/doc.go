// Package input decodes the message streams that `mor run --input FILE` feeds to objects.
//
// Each [Record] is one message: the address of the object that receives it (To, such as
// "Station/seattle"), the message name (Msg, the handler to run), its arguments, and an
// optional timestamp that can drive the virtual clock.
//
// Three formats are read, picked by [Open] from the file extension:
//
//   - JSON Lines (.jsonl or .ndjson): one JSON object per line, with the fields "to",
//     "msg", "args" (an object, optional) and "at" (a timestamp, optional), such as
//     {"to": "Station/seattle", "msg": "reading", "args": {"max": 12.5}, "at": "2012-01-01"}.
//   - CSV (.csv): a header row that names the columns, then one record per row.
//   - JSON array (.json): an array of flat objects, read element by element so that
//     a large file is never held in memory at once.
//
// CSV and JSON array files are tabular: their rows carry no address or message name,
// so a [Mapping] supplies them. By default every column becomes an argument of the
// same name, including the columns that the mapping also uses for the address or the
// timestamp.
//
// Timestamps are parsed by [ParseTime]. Every problem in a file is an [*Error] that
// names the file, the 1-based line and byte column, and the offending value, so the
// command line can point at it. Argument values keep their position too, so that a
// later type conversion ([Value.Float], [Value.Int], ...) can report the same way.
//
// The package uses only the standard library. It does not import the compiler or the
// VM: it checks the shape of addresses and message names, and the VM checks that the
// object type, the handler and its parameters exist.
package input
