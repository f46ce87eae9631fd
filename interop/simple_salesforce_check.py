"""simple-salesforce against `sfconnect sim`: SOAP login, the OAuth password grant, JWT bearer
(with the key pair `sfconnect login --generate-key` made) and client credentials (on the My
Domain host), each followed by REST calls. simple-salesforce hard-codes https://{domain}.salesforce.com, so a
requests.Session subclass sends those URLs to the loopback servers instead."""

import os
import sys
from urllib.parse import urlsplit

import requests
from simple_salesforce import Salesforce, SalesforceAuthenticationFailed

LOGIN_URL = os.environ["SIM_LOGIN_URL"]
INSTANCE_URL = os.environ["SIM_INSTANCE_URL"]
USERNAME = os.environ["SIM_USERNAME"]
PASSWORD = os.environ["SIM_PASSWORD"]
TOKEN = os.environ["SIM_TOKEN"]
KEY = os.environ["SIM_CONSUMER_KEY"]
SECRET = os.environ["SIM_CONSUMER_SECRET"]
JWT_KEY = os.environ["SIM_JWT_KEY"]
JWT_CERT = os.environ["SIM_JWT_CERT"]
# simple-salesforce names a My Domain as the part before ".salesforce.com".
MY_DOMAIN = "acme-demo.my"


class LoopbackSession(requests.Session):
    """Rewrites the https URLs simple-salesforce builds to the simulated org's http hosts."""

    def request(self, method, url, *args, **kwargs):
        url = url.replace("https://login.salesforce.com", LOGIN_URL)
        url = url.replace(f"https://{MY_DOMAIN}.salesforce.com", INSTANCE_URL)
        url = url.replace("https://" + urlsplit(INSTANCE_URL).netloc, INSTANCE_URL)
        return super().request(method, url, *args, **kwargs)


passes = 0
failures = 0


def check(name, body):
    global passes, failures
    try:
        body()
        passes += 1
        print(f"simple-salesforce: {name}: ok")
    except Exception as error:  # report every failure, keep going
        failures += 1
        print(f"simple-salesforce: {name}: FAILED: {error!r}")


def soap_login():
    sf = Salesforce(username=USERNAME, password=PASSWORD, security_token=TOKEN,
                    session=LoopbackSession(), version="59.0")
    assert sf.sf_instance == urlsplit(INSTANCE_URL).netloc, sf.sf_instance
    limits = sf.limits()
    assert limits["DailyApiRequests"]["Max"] > 0, limits
    users = sf.query("SELECT Id, Username FROM User")
    assert users["totalSize"] >= 1, users
    assert sf.Account.describe()["name"] == "Account"


def soap_login_wrong_token():
    try:
        Salesforce(username=USERNAME, password=PASSWORD, security_token="wrong",
                   session=LoopbackSession(), version="59.0")
    except SalesforceAuthenticationFailed as error:
        assert error.code == "INVALID_LOGIN", error.code
        return
    raise AssertionError("login with a wrong token succeeded")


def oauth_password():
    sf = Salesforce(username=USERNAME, password=PASSWORD + TOKEN, consumer_key=KEY,
                    consumer_secret=SECRET, session=LoopbackSession(), version="59.0")
    limits = sf.limits()
    assert limits["DailyApiRequests"]["Remaining"] > 0, limits
    assert sf.query("SELECT Id FROM Account")["done"] is True


def oauth_password_wrong_secret():
    try:
        Salesforce(username=USERNAME, password=PASSWORD + TOKEN, consumer_key=KEY,
                   consumer_secret="wrong", session=LoopbackSession())
    except SalesforceAuthenticationFailed as error:
        assert error.code == "invalid_client", error.code
        return
    raise AssertionError("login with a wrong secret succeeded")


def jwt_bearer():
    # The certificate that belongs to the key, uploaded to the app ("Use digital signatures").
    with open(JWT_CERT, encoding="ascii") as cert:
        reply = requests.post(f"{LOGIN_URL}/__sim/apps/certificate",
                              data={"consumer_key": KEY, "certificate": cert.read()}, timeout=10)
    reply.raise_for_status()
    sf = Salesforce(username=USERNAME, consumer_key=KEY, privatekey_file=JWT_KEY,
                    session=LoopbackSession(), version="59.0")
    assert sf.sf_instance == urlsplit(INSTANCE_URL).netloc, sf.sf_instance
    users = sf.query("SELECT Id, Username FROM User")
    assert any(u["Username"] == USERNAME for u in users["records"]), users


def client_credentials():
    sf = Salesforce(consumer_key=KEY, consumer_secret=SECRET, domain=MY_DOMAIN,
                    session=LoopbackSession(), version="59.0")
    limits = sf.limits()
    assert limits["DailyApiRequests"]["Max"] > 0, limits
    assert sf.query("SELECT Id FROM Account")["done"] is True


check("SOAP login + limits + query + describe", soap_login)
check("SOAP login with a wrong token is refused", soap_login_wrong_token)
check("OAuth password grant + limits + query", oauth_password)
check("OAuth password grant with a wrong secret is refused", oauth_password_wrong_secret)
check("JWT bearer + query", jwt_bearer)
check("client credentials on the My Domain host + limits + query", client_credentials)
print(f"simple-salesforce: {passes} passed, {failures} failed")
sys.exit(0 if failures == 0 else 1)
