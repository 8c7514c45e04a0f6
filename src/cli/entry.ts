/**
The bundle's entry (dist/ztop.js, which the single executable holds too): V8's heap settings first, then the
CLI, imported after them so that they are in force before its modules load.
*/
import {tuneHeap} from './heap-tuning.js';

tuneHeap(process.argv[2]);
void import('./main.js').then(({runMain}) => runMain(process.argv.slice(2)));
