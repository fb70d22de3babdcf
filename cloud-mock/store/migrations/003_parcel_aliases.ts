/**
 * A parcel the unit took in offline keeps the unit's id; the id the sender allocated it under
 * (merged by the unit later, parcel.merged) is kept beside it, so both find the parcel.
 */
export const up = `
ALTER TABLE parcels ADD COLUMN cloud_parcel_id TEXT;
CREATE UNIQUE INDEX parcels_by_cloud_id ON parcels (locker_id, cloud_parcel_id)
  WHERE cloud_parcel_id IS NOT NULL;
`;
