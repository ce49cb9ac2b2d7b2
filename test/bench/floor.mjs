// The floor: a bare Node walk that only reads every file and every link of a tree.
import * as fs from 'node:fs';
import * as path from 'node:path';

let files = 0;
let bytes = 0;
function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isSymbolicLink()) {
      fs.readlinkSync(p);
      files++;
    } else {
      bytes += fs.readFileSync(p).length;
      files++;
    }
  }
}
walk(process.argv[2]);
console.log(`${files} files and links, ${bytes} bytes`);
