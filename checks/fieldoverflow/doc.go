// Package fieldoverflow defines an Analyzer that reports operands OR-ed
// into an instruction's opcode constant whose value can reach bits outside
// their field.
//
// # Analyzer fieldoverflow
//
// fieldoverflow: operand can overflow its instruction field
//
// Raw EMIT calls build instructions by OR-ing operands into an opcode
// constant: _EMIT6(0xd207f000 | off, 0xf000 | src) is mvc off(8,%r15),src(%r15).
// When an operand can be wider than its field (off >= 4096 for a 12-bit
// displacement), the extra bits land in the neighbouring field and silently
// change the instruction (here the base register B1). The check finds the
// field of each operand from the opcode's format (through the reference
// instruction table) and the operand's shift, and bounds the operand from
// the file's own constants: #defines and enum values, and guards of the
// enclosing function ("if (n > MAX_NR_STACK_ARGS) return ...",
// "n = min_t(int, x, MAX_NR_REG_ARGS)"). An operand without a provable
// bound is not reported.
//
// Bad:
//
//	#define MAX_MVC_SIZE 512
//	#define MAX_NR_STACK_ARGS (MAX_MVC_SIZE / sizeof(u64))
//	...
//	if (nr_stack_args > MAX_NR_STACK_ARGS)
//		return -ENOTSUPP;
//	...
//	_EMIT6(0xd200f000 | (nr_stack_args * sizeof(u64) - 1) << 16 | off, 0xf000 | src);
//
// reports that the length can reach 511, wider than the 8-bit L field.
//
// Fixed:
//
//	#define MAX_MVC_SIZE 256
package fieldoverflow

// doc is the Analyzer's documentation: a one-line title, then details.
const doc = `operand can overflow its instruction field

fieldoverflow reports operands OR-ed into an opcode constant (raw _EMIT
calls) whose value, known or bounded by the file's own constants and the
function's guards, can reach bits outside their field.`
