// SPDX-License-Identifier: GPL-2.0-only
/* A driver-shaped fixture for tests/test_cov.c: built with KCOV's coverage points. */
int drv_state;

static int drv_helper(int x)
{
	if (x > 3)
		drv_state++;
	return x * 2;
}

int drv_used(int n)
{
	int r = 0;

	for (int i = 0; i < n; i++)
		r += i;
	if (r > 100)
		drv_state = r;
	return r;
}

int drv_unused(int y)
{
	if (y)
		return drv_helper(y);
	return 0;
}
