/**
 * A parcel deposited while the unit was offline gets a local id; when the cloud's announcement
 * for the same barcode arrives later, the two are merged and the cloud's id kept as an alias,
 * so the cloud's later commands (code, cancel, extend) find the parcel.
 */
export const up = `
ALTER TABLE parcels ADD COLUMN cloud_parcel_id TEXT;
CREATE UNIQUE INDEX parcels_by_cloud_id ON parcels (cloud_parcel_id) WHERE cloud_parcel_id IS NOT NULL;
`;
