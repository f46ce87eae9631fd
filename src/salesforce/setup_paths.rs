//! The Setup pages a fix sends an admin to, as click paths in Lightning Experience and in
//! Salesforce Classic.

/// Where to click in Setup, in both user interfaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetupPath {
    /// What the path is for, e.g. "Reset the security token".
    pub task: &'static str,
    pub lightning: &'static str,
    /// Empty where the page exists only in Lightning Experience.
    pub classic: &'static str,
}

impl SetupPath {
    /// The way in Salesforce Classic; a Lightning-only page says so once, then gives its
    /// Lightning path.
    pub fn classic_route(&self) -> String {
        if self.classic.is_empty() {
            format!(
                "only in Lightning Experience: switch to it, then {}",
                self.lightning
            )
        } else {
            self.classic.to_string()
        }
    }
}

pub const RESET_TOKEN: SetupPath = SetupPath {
    task: "Reset the security token",
    lightning: "your avatar > Settings > My Personal Information > Reset My Security Token > Reset Security Token",
    classic: "your name > My Settings > Personal > Reset My Security Token > Reset Security Token",
};

/// "Use Any API Auth", which SOAP login() needs from Summer '26 where it is enforced (by
/// default in new orgs): a system permission, granted like API Enabled.
pub const USE_ANY_API_AUTH: SetupPath = SetupPath {
    task: "Grant Use Any API Auth",
    lightning: "Setup > Users > Permission Sets > (a permission set assigned to the user) > System Permissions > Edit > Use Any API Auth (or on the user's profile)",
    classic: "Setup > Manage Users > Permission Sets > (a permission set assigned to the user) > System Permissions > Edit > Use Any API Auth",
};

pub const API_ENABLED: SetupPath = SetupPath {
    task: "Grant API Enabled",
    lightning: "Setup > Users > Profiles > (the user's profile) > System Permissions > Edit > API Enabled",
    classic: "Setup > Manage Users > Profiles > (the user's profile) > Administrative Permissions > API Enabled",
};

pub const APP_POLICIES: SetupPath = SetupPath {
    task: "Edit the app's OAuth policies",
    lightning: "Setup > Apps > Connected Apps > Manage Connected Apps > (the app) > Edit Policies (External Client App: the app's Policies tab > Edit)",
    classic: "Setup > Administer > Manage Apps > Connected Apps > (the app) > Edit Policies",
};

pub const CONSUMER_DETAILS: SetupPath = SetupPath {
    task: "See the app's consumer key and secret",
    lightning: "Setup > Apps > App Manager > (the app) > ▼ > View > Manage Consumer Details (External Client App: Settings > OAuth Settings > Consumer Key and Secret)",
    classic: "Setup > Build > Create > Apps > (click the app's name) > Manage Consumer Details",
};

/// Where JWT bearer's certificate goes (one per app: uploading replaces the one there), with
/// the consumer key on the same page.
pub const UPLOAD_CERTIFICATE: SetupPath = SetupPath {
    task: "Upload the app's certificate (and see its consumer key)",
    lightning: "Setup > Apps > App Manager > (the app) > ▼ > Edit > Use digital signatures (External Client App: Settings > OAuth Settings > Enable JWT Bearer Flow > the certificate)",
    classic: "Setup > Build > Create > Apps > (the app) > Edit > Use digital signatures",
};

pub const OAUTH_ORG_SETTINGS: SetupPath = SetupPath {
    task: "Allow the OAuth username-password flow",
    lightning: "Setup > Identity > OAuth and OpenID Connect Settings > Allow OAuth Username-Password Flows",
    classic: "",
};

pub const INSTALL_APP: SetupPath = SetupPath {
    task: "Install the connected app",
    lightning: "Setup > Connected Apps OAuth Usage > (the app) > Install",
    classic: "Setup > Connected Apps OAuth Usage > (the app) > Install",
};

pub const LOGIN_IP_RANGES: SetupPath = SetupPath {
    task: "Check login IP ranges and hours",
    lightning: "Setup > Users > Profiles > (the user's profile) > Login IP Ranges and Login Hours; Setup > Security > Network Access for trusted ranges",
    classic: "Setup > Manage Users > Profiles > (the user's profile) > Login IP Ranges and Login Hours; Setup > Security Controls > Network Access",
};

pub const PASSWORD_POLICY: SetupPath = SetupPath {
    task: "See the password policy",
    lightning: "Setup > Security > Password Policies (User passwords expire in)",
    classic: "Setup > Security Controls > Password Policies",
};

pub const ENABLE_SOAP_LOGIN: SetupPath = SetupPath {
    task: "Enable SOAP API login()",
    lightning: "Setup > User Interface > Enable SOAP API login()",
    classic: "Setup > Customize > User Interface > Enable SOAP API login()",
};

pub const LOGIN_HISTORY: SetupPath = SetupPath {
    task: "See why logins failed",
    lightning: "Setup > Users > Login History",
    classic: "Setup > Manage Users > Login History",
};

pub const USERS: SetupPath = SetupPath {
    task: "Edit the user",
    lightning: "Setup > Users > Users > (the user) > Edit",
    classic: "Setup > Manage Users > Users > (the user) > Edit",
};

pub const OBJECT_ACCESS: SetupPath = SetupPath {
    task: "Grant object access",
    lightning: "Setup > Users > Profiles (or Permission Sets) > Object Settings > (the object) > Edit",
    classic: "Setup > Manage Users > Profiles > (the profile) > Standard/Custom Object Permissions",
};
