// jsforce against `sfconnect sim`: SOAP login, the OAuth password grant, and the authorization
// code flow with PKCE, its refresh token, and the automatic refresh after a 401.
import jsforce from "jsforce";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`missing ${name}`);
  return value;
};
const loginUrl = env("SIM_LOGIN_URL");
const username = env("SIM_USERNAME");
const passwordAndToken = env("SIM_PASSWORD") + env("SIM_TOKEN");
let failures = 0;
let passes = 0;

async function check(name, body) {
  try {
    await body();
    passes += 1;
    console.log(`jsforce: ${name}: ok`);
  } catch (error) {
    failures += 1;
    console.log(`jsforce: ${name}: FAILED: ${error && error.stack ? error.stack : error}`);
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

await check("SOAP login + limits + query + identity", async () => {
  const conn = new jsforce.Connection({ loginUrl, version: "64.0" });
  const info = await conn.loginBySoap(username, passwordAndToken);
  expect(info.organizationId && info.id, "login returned no user info");
  const limits = await conn.limits();
  expect(limits.DailyApiRequests.Max > 0, "limits lack DailyApiRequests");
  const result = await conn.query("SELECT Id, Username FROM User");
  expect(result.totalSize >= 1, "query returned no users");
  const identity = await conn.identity();
  expect(identity.username === username, `identity is ${identity.username}`);
});

await check("SOAP login with a wrong password is refused", async () => {
  const conn = new jsforce.Connection({ loginUrl, version: "64.0" });
  let error;
  try {
    await conn.loginBySoap(username, "wrong");
  } catch (e) {
    error = e;
  }
  expect(error, "login with a wrong password succeeded");
  expect(/INVALID_LOGIN/.test(String(error)), `unexpected error ${error}`);
});

await check("OAuth password grant + describe + query", async () => {
  const conn = new jsforce.Connection({
    oauth2: { loginUrl, clientId: env("SIM_CONSUMER_KEY"), clientSecret: env("SIM_CONSUMER_SECRET") },
    version: "64.0",
  });
  const info = await conn.login(username, passwordAndToken);
  expect(info.organizationId, "login returned no organization id");
  expect(conn.instanceUrl === env("SIM_INSTANCE_URL"), `instance URL is ${conn.instanceUrl}`);
  const account = await conn.sobject("Account").describe();
  expect(account.name === "Account", "describe returned another object");
  const accounts = await conn.query("SELECT Id FROM Account");
  expect(accounts.done === true, "query not done");
});

await check("OAuth password grant with a wrong secret is refused", async () => {
  const conn = new jsforce.Connection({
    oauth2: { loginUrl, clientId: env("SIM_CONSUMER_KEY"), clientSecret: "wrong" },
    version: "64.0",
  });
  let error;
  try {
    await conn.login(username, passwordAndToken);
  } catch (e) {
    error = e;
  }
  expect(error && /invalid_client/.test(String(error.name) + String(error.message)), `unexpected ${error}`);
});

await check("authorization code with PKCE + refresh + the automatic refresh after a 401", async () => {
  const oauth2 = new jsforce.OAuth2({
    loginUrl,
    clientId: env("SIM_CONSUMER_KEY"),
    clientSecret: env("SIM_CONSUMER_SECRET"),
    redirectUri: "http://localhost:1717/OauthRedirect",
    useVerifier: true,
  });
  const authorizeUrl = oauth2.getAuthorizationUrl({ scope: "api refresh_token", state: "interop" });
  expect(authorizeUrl.includes("code_challenge="), "no PKCE challenge in the authorize URL");
  // Play the browser: the org logs the user in and redirects back with a code.
  const answer = await fetch(authorizeUrl, { redirect: "manual" });
  const location = new URL(answer.headers.get("location") ?? "");
  expect(location.searchParams.get("state") === "interop", `redirect ${location}`);
  const code = location.searchParams.get("code");
  expect(code, `no code in ${location}`);
  const conn = new jsforce.Connection({ oauth2, version: "64.0" });
  const info = await conn.authorize(code);
  expect(info.organizationId && conn.refreshToken, "no refresh token after authorize");
  const refreshed = await oauth2.refreshToken(conn.refreshToken);
  expect(refreshed.access_token && refreshed.access_token !== conn.accessToken, "refresh gave no new token");
  // The org ends every session (an admin, or the timeout): the next call gets a 401, and
  // jsforce refreshes and retries by itself.
  let refreshEvents = 0;
  conn.on("refresh", () => { refreshEvents += 1; });
  const ended = await fetch(`${loginUrl}/__sim/sessions/end`, { method: "POST" });
  expect(ended.ok, `sessions/end answered ${ended.status}`);
  const users = await conn.query("SELECT Id, Username FROM User");
  expect(users.totalSize >= 1, "query after the refresh returned no users");
  expect(refreshEvents === 1, `refreshed ${refreshEvents} times`);
});

console.log(`jsforce: ${passes} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
