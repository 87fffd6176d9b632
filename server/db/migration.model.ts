import { Schema, type Connection } from 'mongoose';

/** A data migration that ran (or is running): `_id` = its name, claimed by insert, so one node runs it once. */
export interface MigrationDoc {
  _id: string;
  at: Date;
}

const migrationSchema = new Schema<MigrationDoc>({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });

export const migrationModel = (conn: Connection) => conn.model<MigrationDoc>('Migration', migrationSchema, 'migrations');
