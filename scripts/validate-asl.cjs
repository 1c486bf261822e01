#!/usr/bin/env node
'use strict';
/**
 * Validates every state machine definition in statemachines/ (`*.asl.yaml`, `*.asl.yml`,
 * `*.asl.json`) with asl-validator. Exit 0 when all are valid (or there are none yet); exit 1
 * listing every error of every invalid file.
 *
 * The definitions are written for serverless-step-functions, so CloudFormation short tags
 * (`!GetAtt`, `!Ref`, `!Sub`, …) are read as the intrinsic objects CloudFormation would see. A
 * `Resource` that is an intrinsic (e.g. `Resource: !GetAtt NotifyLambdaFunction.Arn`) is a Lambda
 * ARN once deployed; it is validated as a placeholder Lambda ARN, since asl-validator only accepts
 * string ARNs there.
 *
 * Usage: node scripts/validate-asl.cjs [directory]   (default: statemachines)
 */
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const validate = require('asl-validator');

const PROJECT_DIR = path.resolve(__dirname, '..');
const DEFINITION_FILE = /\.asl\.(ya?ml|json)$/;
const PLACEHOLDER_ACCOUNT = '123456789012';

/** `!GetAtt A.B` / `!Ref X` / `!Sub ...` → `{ 'Fn::GetAtt': ['A', 'B'] }` / `{ Ref: 'X' }` / `{ 'Fn::Sub': ... }`. */
function intrinsic(tag, value) {
  const name = tag.slice(1);
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

/** Plain JS value of a YAML node, with local tags (`!X`) turned into intrinsic objects. */
function toValue(node, doc) {
  if (YAML.isAlias(node)) return toValue(node.resolve(doc), doc);
  let value;
  if (YAML.isMap(node)) {
    value = {};
    for (const pair of node.items) value[String(toValue(pair.key, doc))] = toValue(pair.value, doc);
  } else if (YAML.isSeq(node)) {
    value = node.items.map((item) => toValue(item, doc));
  } else if (YAML.isScalar(node)) {
    value = node.value;
  } else {
    value = node ?? null;
  }
  const tag = YAML.isNode(node) ? node.tag : undefined;
  return tag?.startsWith('!') && !tag.startsWith('!!') ? intrinsic(tag, value) : value;
}

function isIntrinsic(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

function placeholderArn(value) {
  const target = value['Fn::GetAtt']?.[0] ?? value.Ref ?? 'Intrinsic';
  return `arn:aws:lambda:us-east-1:${PLACEHOLDER_ACCOUNT}:function:${String(target).replace(/[^A-Za-z0-9-_]/g, '-')}`;
}

/** Replaces intrinsic `Resource` values, at any depth (Parallel branches, Map item processors). */
function withPlaceholderResources(value) {
  if (Array.isArray(value)) return value.map(withPlaceholderResources);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = key === 'Resource' && isIntrinsic(child) ? placeholderArn(child) : withPlaceholderResources(child);
  }
  return out;
}

/** @returns {{ definition?: unknown, errors: string[] }} */
function load(file) {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    try {
      return { definition: JSON.parse(text), errors: [] };
    } catch (error) {
      return { errors: [`json: ${error.message}`] };
    }
  }
  // Unknown (CloudFormation) tags only produce warnings here; toValue gives them their meaning.
  const doc = YAML.parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) return { errors: doc.errors.map((e) => `yaml: ${e.message.split('\n')[0]}`) };
  return { definition: toValue(doc.contents, doc), errors: [] };
}

/** A definition may be the machine itself or serverless-step-functions' `{ definition: ... }` wrapper. */
function machineOf(value) {
  return value && typeof value === 'object' && 'definition' in value && !('States' in value) ? value.definition : value;
}

function validateFile(file) {
  const { definition, errors } = load(file);
  if (errors.length > 0) return errors;
  const machine = machineOf(definition);
  if (machine === null || typeof machine !== 'object' || Array.isArray(machine)) return ['not an object (expected StartAt and States)'];
  const result = validate(withPlaceholderResources(machine));
  if (result.isValid) return [];
  return result.errors.map((e) => `${e['Error code']}: ${e.Message}`);
}

function main() {
  const dir = path.resolve(PROJECT_DIR, process.argv[2] ?? 'statemachines');
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => DEFINITION_FILE.test(name))
        .sort()
        .map((name) => path.join(dir, name))
    : [];
  if (files.length === 0) {
    console.log('asl: 0 state machine definitions (none yet)');
    return 0;
  }
  let invalid = 0;
  for (const file of files) {
    const where = path.relative(process.cwd(), file);
    const errors = validateFile(file);
    if (errors.length === 0) {
      console.log(`ok    ${where}`);
      continue;
    }
    invalid += 1;
    console.log(`FAIL  ${where}`);
    for (const error of errors) console.log(`  - ${error}`);
  }
  console.log(`asl: ${files.length} state machine definition(s), ${invalid} invalid`);
  return invalid === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main();

module.exports = { validateFile, load, machineOf, toValue, withPlaceholderResources };
