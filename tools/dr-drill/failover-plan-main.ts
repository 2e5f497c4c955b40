import { failoverPlanCli } from './failover-plan-cli';

process.exitCode = failoverPlanCli(
  process.argv.slice(2),
  (line) => console.log(line),
  (line) => console.error(line),
);
