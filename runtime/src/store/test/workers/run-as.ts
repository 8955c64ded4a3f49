// Imported by workers first thing after their own imports: switches to the user named by
// VOLTRATE_TEST_RUN_AS ("uid:gid"), so that what follows runs without root's privileges.
const runAs = process.env.VOLTRATE_TEST_RUN_AS;
if (runAs) {
  const [uid, gid] = runAs.split(":").map(Number) as [number, number];
  process.setgid?.(gid);
  process.setuid?.(uid);
}
