/**
The bundle's entry (dist/ztop.js, and the single executable's script): V8's heap settings first, then the
CLI, loaded after them. No top-level await: the single executable runs its script as CommonJS.
*/
import {tuneHeap} from './heap-tuning.js';

tuneHeap(process.argv[2]);
void import('./main.js').then(({runMain}) => runMain(process.argv.slice(2)));
