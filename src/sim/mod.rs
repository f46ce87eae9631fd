//! The simulated Salesforce org.
