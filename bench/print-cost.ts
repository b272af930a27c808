/** `npm run cost`: prints the cost table the README carries (bench/cost-model.ts). */
import { costReport } from './cost-model';

process.stdout.write(`${costReport()}\n`);
