// Deployment settings read from CDK context (`cdk deploy -c stage=prod`), validated with
// messages that name the setting.
import { z } from 'zod';
import { parseWith } from '../functions/domain/validation.ts';

export const deploymentSettingsSchema = z.strictObject({
  stage: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{1,20}$/,
      'lowercase letters, digits and dashes, 2-21 characters, starting with a letter',
    ),
});

export type DeploymentSettings = z.infer<typeof deploymentSettingsSchema> & { production: boolean };

export function readDeploymentSettings(context: (key: string) => unknown): DeploymentSettings {
  const settings = parseWith(deploymentSettingsSchema, { stage: context('stage') ?? 'dev' }, 'context');
  return { ...settings, production: settings.stage === 'prod' };
}
