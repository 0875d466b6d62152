#!/usr/bin/env node
// Independent oracle for iamcheck: evaluates iamcheck-shaped requests with
// @cloud-copilot/iam-simulate (installed from npm by install.sh; AGPL-3.0, never vendored).
//
// stdin: JSON Lines, each
//   {"policy": {...}, "policy_type": "IDENTITY_POLICY"|"RESOURCE_POLICY",
//    "request": {"principal"?, "action", "resource", "context"?}, "id"?: any,
//    "fallback_unsafe"?: true}   (identity policies: see the fallback below and README.md)
// stdout: one JSON line per input line, in order:
//   {"decision": "Allow"|"ExplicitDeny"|"ImplicitDeny"|"Error", "detail": {...}, "id"?: any}
//
// The request mapping and its caveats are documented in README.md next to this file.

import { createInterface } from 'node:readline'
import { anonymousPrincipal, runSimulation, runUnsafeSimulation, typeForContextKey, isConditionKeyArray } from '@cloud-copilot/iam-simulate'

/** The fixed caller for identity policies (account taken from the resource when it has one). */
export const ORACLE_ACCOUNT = '111111111111'
const ORACLE_USER = 'oracle'

const RESULT = {
  Allowed: 'Allow',
  AllowedForAccount: 'Allow',
  ExplicitlyDenied: 'ExplicitDeny',
  DeniedForAccount: 'ExplicitDeny',
  ImplicitlyDenied: 'ImplicitDeny',
  NotApplicable: 'ImplicitDeny'
}

function error(reason, extra = {}) {
  return { decision: 'Error', detail: { reason, ...extra } }
}

function resourceAccount(resource) {
  const parts = resource.split(':')
  if (parts.length >= 6 && /^\d{12}$/.test(parts[4])) return parts[4]
  return ORACLE_ACCOUNT
}

/** iamcheck principal string -> iam-simulate request principal (or an error string). */
export function mapPrincipal(p) {
  if (p === undefined || p === null) return { error: 'resource-policy request without a principal' }
  if (p === 'anonymous') return { principal: anonymousPrincipal }
  for (const prefix of ['service:', 'federated:', 'canonical-user:']) {
    if (p.startsWith(prefix)) return { principal: p.slice(prefix.length) }
  }
  if (p.startsWith('arn:')) return { principal: p }
  return { error: `unsupported principal form: ${p}` }
}

function statementIndexes(list) {
  // iam-policy numbers statements from 1; iamcheck from 0.
  return (list || []).map((s) => s.statement.index() - 1)
}

async function mapContext(context) {
  const out = {}
  const problems = []
  for (const [key, value] of Object.entries(context || {})) {
    const str = (v) => (typeof v === 'string' ? v : JSON.stringify(v))
    const type = await typeForContextKey(key.toLowerCase()).catch(() => undefined)
    const isArrayKey = type !== undefined && isConditionKeyArray(type)
    if (Array.isArray(value)) {
      if (!isArrayKey) {
        problems.push(`${key}: iamcheck multivalued, iam-simulate single-valued (${type ?? 'unknown type'}); it would keep only the first value`)
      }
      out[key] = value.map(str)
    } else {
      out[key] = str(value)
    }
  }
  return { context: out, problems }
}

export async function evaluate(input) {
  const { policy, policy_type: policyType, request } = input
  if (!request || typeof request.action !== 'string' || typeof request.resource !== 'string') {
    return error('input has no request with action and resource')
  }
  if (request.resource.includes('*')) {
    // iam-simulate reads a `*` in the request resource as a pattern (wildcard mode); iamcheck as a character.
    return error('request resource contains `*` (iam-simulate treats it as a pattern)')
  }
  const { context, problems } = await mapContext(request.context)
  if (problems.length > 0) return error('context not representable', { problems })
  const account = resourceAccount(request.resource)
  const simulation = {
    request: {
      principal: undefined,
      action: request.action,
      resource: { resource: request.resource, accountId: account },
      contextVariables: context
    },
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: []
  }
  if (policyType === 'IDENTITY_POLICY') {
    simulation.request.principal = `arn:aws:iam::${account}:user/${ORACLE_USER}`
    simulation.identityPolicies = [{ name: 'policy', policy }]
  } else if (policyType === 'RESOURCE_POLICY') {
    const mapped = mapPrincipal(request.principal)
    if (mapped.error) return error(mapped.error)
    simulation.request.principal = mapped.principal
    simulation.resourcePolicy = policy
  } else {
    return error(`unknown policy_type ${policyType}`)
  }

  let response
  try {
    response = await runSimulation(simulation, {}) // default: Strict mode
  } catch (e) {
    return error(`iam-simulate threw: ${e && e.message ? e.message : String(e)}`)
  }
  if (response.resultType === 'error') {
    // Opt-in fallback (witness replay only): iam-simulate's strict validation rejects actions and
    // resource ARNs that are not in AWS's catalogue (iamcheck's witnesses use the shortest values,
    // e.g. `a:a` on `arn:aws:a:::a`). For identity policies the same core engine can still evaluate
    // them without validation; the answer is marked `"mode": "unsafe"`.
    const catalogue = ['invalid.service', 'invalid.action', 'no.resource.types', 'must.use.wildcard', 'multiple.resource.types']
    if (input.fallback_unsafe && policyType === 'IDENTITY_POLICY' && catalogue.includes(response.errors.message)) {
      try {
        const overall = runUnsafeSimulation(simulation, {})
        return { decision: RESULT[overall], detail: { mode: 'unsafe', strictError: response.errors.message, overall } }
      } catch (e) {
        return error(`iam-simulate (unsafe) threw: ${e && e.message ? e.message : String(e)}`)
      }
    }
    return error(response.errors.message, { errors: response.errors })
  }
  if (response.resultType !== 'single') {
    return error(`unexpected resultType ${response.resultType}`)
  }
  const { analysis, ignoredContextKeys } = response.result
  if (ignoredContextKeys && ignoredContextKeys.length > 0) {
    // iam-simulate drops keys its catalogue does not list for the action; the request would differ.
    return error('context keys ignored by iam-simulate for this action', { ignoredContextKeys })
  }
  const part = policyType === 'IDENTITY_POLICY' ? analysis.identityAnalysis : analysis.resourceAnalysis
  const decision = RESULT[part.result]
  if (!decision) return error(`unexpected analysis result ${part.result}`)
  return {
    decision,
    detail: {
      mode: 'strict',
      analysis: part.result,
      overall: response.overallResult,
      allow: statementIndexes(part.allowStatements),
      deny: statementIndexes(part.denyStatements),
      resourceType: response.result.resourceType
    }
  }
}

async function main() {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
  for await (const line of rl) {
    if (line.trim() === '') continue
    let out
    try {
      const input = JSON.parse(line)
      out = await evaluate(input)
      if (input.id !== undefined) out.id = input.id
    } catch (e) {
      out = error(`bad input line: ${e && e.message ? e.message : String(e)}`)
    }
    process.stdout.write(JSON.stringify(out) + '\n')
  }
}

await main()
