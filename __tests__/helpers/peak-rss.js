// Preloaded (`node --import`) into a step under test: at exit, writes the process's peak
// resident memory in kB to $PEAK_RSS_FILE. VmHWM counts this program alone; getrusage's
// maxRSS would also count the Jest process it was forked from (Linux keeps the larger).
import * as fs from 'node:fs';

process.on('exit', () => {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? 'unknown';
  fs.writeFileSync(process.env.PEAK_RSS_FILE ?? '/dev/null', `${kb}\n`);
});
