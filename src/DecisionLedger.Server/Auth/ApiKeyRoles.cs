namespace DecisionLedger.Server.Auth;

/// <summary>The role → permission table of DESIGN.md (Security).</summary>
public static class ApiKeyRoles
{
    /// <summary>True when <paramref name="role"/> grants <paramref name="permission"/>.</summary>
    /// <param name="role">The caller's role.</param>
    /// <param name="permission">What the route needs.</param>
    internal static bool Allows(ApiKeyRole role, ApiPermission permission) => role switch
    {
        ApiKeyRole.Admin => true,
        _ when permission is ApiPermission.Status => Enum.IsDefined(role),
        ApiKeyRole.Auditor => permission is ApiPermission.Read or ApiPermission.Audit or ApiPermission.Monitor,
        ApiKeyRole.Monitor => permission is ApiPermission.Monitor,
        ApiKeyRole.Reader => permission is ApiPermission.Read,
        ApiKeyRole.Ingest => permission is ApiPermission.Ingest,
        _ => false,
    };

    /// <summary>Parses a role name (<c>ingest</c>, <c>reader</c>, <c>auditor</c>, <c>admin</c>, <c>monitor</c>), ignoring case.</summary>
    /// <exception cref="ArgumentException">The name is not a role; the message lists the roles.</exception>
    /// <param name="name">The role name.</param>
    public static ApiKeyRole Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Enum.TryParse(name, ignoreCase: true, out ApiKeyRole role) && Enum.IsDefined(role) && !int.TryParse(name, out _))
        {
            return role;
        }

        throw new ArgumentException($"role: '{name}' is not a role; use monitor, ingest, reader, auditor or admin.", nameof(name));
    }

    /// <summary>The role's lower-case name as stored and printed.</summary>
    /// <param name="role">The role.</param>
    public static string Name(ApiKeyRole role) => role.ToString().ToLowerInvariant();
}
