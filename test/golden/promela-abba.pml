/* abba: exported by pageproof (export --promela) from test/fixtures/abba.litmus.
 * One atomic sequence = one pageproof step. Verify with:
 *   spin -o1 -o2 -a FILE.pml && gcc -O2 -fwrapv -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -m1000000
 * An assertion violation is a pageproof violation; an invalid end state is a deadlock. */

int c1_a = 0; /* lock: 0 free, pid+1 owner */
int c2_b = 0; /* lock: 0 free, pid+1 owner */
int c3_x = 0;
hidden int _v, _old, _x, _y; /* temporaries inside one atomic step, not part of the state */

active proctype P0()
{
	int l0 = 0; /* a/b/x */
S0:	atomic {
		(c1_a == 0 || c1_a == 1) ->
		assert(c1_a != 1) /* deadlock: relock */;
		c1_a = 1;
		l0 = 0; goto S1;
	}
S1:	atomic {
		(c2_b == 0 || c2_b == 1) ->
		assert(c2_b != 1) /* deadlock: relock */;
		c2_b = 1;
		l0 = 0; goto S2;
	}
S2:	atomic {
		skip;
		_v = 1;
		c3_x = _v;
		l0 = 0; goto S3;
	}
S3:	atomic {
		skip;
		assert(c2_b == 1) /* bug: unlock of a lock not held */;
		c2_b = 0;
		l0 = 0; goto S4;
	}
S4:	atomic {
		skip;
		assert(c1_a == 1) /* bug: unlock of a lock not held */;
		c1_a = 0;
		l0 = 0; goto Send;
	}
Send:
end:	false /* finished: a valid end state */
}

active proctype P1()
{
	int l0 = 0; /* a/b/x */
S0:	atomic {
		(c2_b == 0 || c2_b == 2) ->
		assert(c2_b != 2) /* deadlock: relock */;
		c2_b = 2;
		l0 = 0; goto S1;
	}
S1:	atomic {
		(c1_a == 0 || c1_a == 2) ->
		assert(c1_a != 2) /* deadlock: relock */;
		c1_a = 2;
		l0 = 0; goto S2;
	}
S2:	atomic {
		skip;
		_v = 2;
		c3_x = _v;
		l0 = 0; goto S3;
	}
S3:	atomic {
		skip;
		assert(c1_a == 2) /* bug: unlock of a lock not held */;
		c1_a = 0;
		l0 = 0; goto S4;
	}
S4:	atomic {
		skip;
		assert(c2_b == 2) /* bug: unlock of a lock not held */;
		c2_b = 0;
		l0 = 0; goto Send;
	}
Send:
end:	false /* finished: a valid end state */
}
