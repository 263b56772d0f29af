// The servers these tests start (PostgreSQL, Redis) and the way they are run (runuser) are Linux's.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
