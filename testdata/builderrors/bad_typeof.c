/* typeof(*pos) as the type of a cast and of offsetof, as the kernel's
 * list_for_each_entry and container_of write them: the type of pos comes
 * from its declaration, and typeof(*pos) is a use of pos, not a
 * declaration. */
#define entry_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))
#define first_of(pos, head, member) \
	(pos = entry_of((head)->next, typeof(*pos), member))
#define member_of(pos, member) (((typeof(*(pos)) *)0)->member)

struct link {
	struct link *next;
};

struct item;

struct other {
	int v;
	struct link node;
};

int walk(struct link *head)
{
	struct item *pos;
	struct other *o;

	first_of(pos, head, node);
	first_of(o, head, zzz);
	return sizeof(member_of(o, w));
}
