import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { env } from './env';

/**
 * The stack's one table (env TABLE_NAME) and a document client on it. `removeUndefinedValues`:
 * every store writes JSON-shaped items whose optional fields may be absent.
 */
export function cardsTable(client = new DynamoDBClient({})): { readonly tableName: string; readonly doc: DynamoDBDocumentClient } {
  return { tableName: env('TABLE_NAME'), doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }) };
}
