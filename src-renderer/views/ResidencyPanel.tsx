import { HubSettingsForm } from '../components/HubSettingsForm';

const fields = [
  { name: 'residency', label: 'This hub’s label' },
  { name: 'sync-required-residency', label: 'Label sites must have' },
];

/** The hub owner's residency settings (docs/STEWARDSHIP.md, "Residency"). */
export function ResidencyPanel() {
  return (
    <HubSettingsForm
      id="residency-settings"
      title="Data residency"
      intro="Where this hub’s data is meant to stay, e.g. EU (none: not set). It is sent to the organisation hub when syncing; an organisation hub that names a label for its sites refuses sites with another one."
      fields={fields}
    />
  );
}
