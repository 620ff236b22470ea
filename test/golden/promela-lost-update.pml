/* lost-update: exported by pageproof (export --promela) from test/fixtures/lost-update.litmus.
 * One atomic sequence = one pageproof step. Verify with:
 *   spin -o1 -o2 -a FILE.pml && gcc -O2 -fwrapv -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -m1000000
 * An assertion violation is a pageproof violation; an invalid end state is a deadlock. */

int c1_counter = 0;
int c2_done = 0;
hidden int _v, _old, _x, _y; /* temporaries inside one atomic step, not part of the state */

active proctype P0()
{
	int l0 = 0; /* counter/done/r/t3/t4 */
S0:	atomic {
		skip;
		l0 = c1_counter;
		l0 = l0;
		l0 = (l0 + 1);
		goto S3;
	}
S3:	atomic {
		skip;
		_v = l0;
		c1_counter = _v;
		l0 = 0; goto S4;
	}
S4:	atomic {
		skip;
		_v = 1;
		c2_done = _v;
		l0 = 0; goto Send;
	}
Send:
end:	false /* finished: a valid end state */
}

active proctype P1()
{
	int l0 = 0; /* counter/done/r/t3/t4/t5/t6 */
S0:	atomic {
		skip;
		l0 = c1_counter;
		l0 = l0;
		l0 = (l0 + 1);
		goto S3;
	}
S3:	atomic {
		skip;
		_v = l0;
		c1_counter = _v;
		l0 = 0; goto S4;
	}
S4:	atomic {
		((((c2_done == 0) == 0) != 0)) ->
		l0 = c2_done;
		l0 = 0; goto S8;
	}
S8:	atomic {
		skip;
		l0 = c1_counter;
		assert(((l0 == 2) == 0) == 0) /* assert: assertion failed: assert(READ_ONCE(*counter) == 2) */;
		l0 = 0; goto Send;
	}
Send:
end:	false /* finished: a valid end state */
}
