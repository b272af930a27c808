import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/** An alarm's settings; one evaluation period unless said otherwise. */
export type HooklakeAlarmProps = Omit<cloudwatch.AlarmProps, 'evaluationPeriods'> & { readonly evaluationPeriods?: number };

/**
 * An alarm as every Hooklake alarm is made: no data is no breach (a quiet stack is a healthy one),
 * and with a topic, it is told both ways (alarm and back to OK).
 */
export function hooklakeAlarm(scope: Construct, id: string, props: HooklakeAlarmProps, topic?: sns.ITopic): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, evaluationPeriods: 1, ...props });
  if (topic) {
    const action = new actions.SnsAction(topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
  return alarm;
}
