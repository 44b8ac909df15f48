// Package conformance holds the language conformance suite.
//
// Each directory under cases/ is one case:
//
//	case.mor        the program
//	input.jsonl     optional input messages, as for mor run --input
//	flags           optional extra mor run flags, one per line
//	                (--until-quiet, --for D, --start T, --spawn Type/id)
//	lineage.jsonl   the expected full lineage, for a program that compiles
//	output.txt      the expected printed events and mode changes
//	errors.txt      the expected compile errors, for a program that does not
//
// The suite runs every case through the Go API and through the mor
// command, with 1, 2 and 8 workers, and compares results with the
// expected files. Run go test ./conformance -update to rewrite them from
// the current behaviour, then review the diff.
package conformance
