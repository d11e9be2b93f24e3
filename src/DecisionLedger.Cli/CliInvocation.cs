using System.Reflection;

namespace DecisionLedger.Cli;

/// <summary>
/// The command a user types to run this same dledger again, for the "try next" lines: <c>dledger</c>
/// only when that name on PATH is this program; <c>dotnet run --project DIR --</c> when it runs from
/// a project's build output (where <c>dotnet run</c> starts it); <c>dotnet PATH/dledger.dll</c> when the
/// dotnet host runs the assembly; otherwise the program's own path.
/// </summary>
internal static class CliInvocation
{
    /// <summary>The name of the installed tool.</summary>
    public const string ToolName = "dledger";

    /// <summary>Works out the invocation of the running process.</summary>
    public static string Detect()
    {
        try
        {
            string? processPath = Environment.ProcessPath;
            string assembly = Assembly.GetEntryAssembly()?.GetName().Name ?? ToolName;
            return processPath is null
                ? ToolName
                : Detect(processPath, AppContext.BaseDirectory, assembly, Environment.CurrentDirectory, Environment.GetEnvironmentVariable("PATH"));
        }
        catch (IOException)
        {
            // A hint that cannot be worked out must never fail the command that prints it.
            return ToolName;
        }
        catch (UnauthorizedAccessException)
        {
            return ToolName;
        }
    }

    /// <summary>Works out the invocation from explicit facts (what <see cref="Detect()"/> reads from the process).</summary>
    /// <param name="processPath">The running executable: the <c>dotnet</c> host, an apphost, or the tool's shim.</param>
    /// <param name="baseDirectory">The directory of the application's assemblies.</param>
    /// <param name="assemblyName">The entry assembly's name (<c>dledger</c>).</param>
    /// <param name="currentDirectory">Paths are printed relative to it where they lie beneath it.</param>
    /// <param name="pathVariable">The PATH environment variable.</param>
    public static string Detect(string processPath, string baseDirectory, string assemblyName, string currentDirectory, string? pathVariable)
    {
        if (IsOnPath(processPath, pathVariable))
        {
            return Path.GetFileNameWithoutExtension(processPath);
        }

        bool dotnetHost = string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase);
        // 'dotnet run' starts the apphost in the project's build output; 'dotnet dledger.dll' is the dotnet host.
        if (!dotnetHost && FindProject(baseDirectory, assemblyName) is { } project)
        {
            string configuration = ConfigurationOf(baseDirectory);
            string option = string.Equals(configuration, "Debug", StringComparison.OrdinalIgnoreCase) ? string.Empty : $" -c {configuration}";
            return $"dotnet run --project {Display(project.Directory, currentDirectory)}{option} --";
        }

        return dotnetHost
            ? $"dotnet {Display(Path.Combine(baseDirectory, assemblyName + ".dll"), currentDirectory)}"
            : Display(processPath, currentDirectory);
    }

    private static bool IsOnPath(string processPath, string? pathVariable)
    {
        if (string.IsNullOrEmpty(pathVariable))
        {
            return false;
        }

        string name = Path.GetFileName(processPath);
        string self = Resolve(processPath);
        foreach (string folder in pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(folder, name);
            if (Path.GetFileNameWithoutExtension(name).Length > 0
                && !string.Equals(Path.GetFileNameWithoutExtension(name), "dotnet", StringComparison.OrdinalIgnoreCase)
                && File.Exists(candidate))
            {
                // The first match is what the shell runs: it must be this very program.
                return string.Equals(Resolve(candidate), self, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
            }
        }

        return false;
    }

    // Build output lies in PROJECT/bin/CONFIGURATION/TFM/; the project must be the one that builds this assembly.
    private static (string Directory, string File)? FindProject(string baseDirectory, string assemblyName)
    {
        DirectoryInfo? tfm = new(Path.TrimEndingDirectorySeparator(Path.GetFullPath(baseDirectory)));
        DirectoryInfo? bin = tfm.Parent?.Parent;
        if (bin is null || !string.Equals(bin.Name, "bin", StringComparison.OrdinalIgnoreCase) || bin.Parent is not { } project || !project.Exists)
        {
            return null;
        }

        foreach (FileInfo file in project.EnumerateFiles("*.csproj"))
        {
            if (string.Equals(Path.GetFileNameWithoutExtension(file.Name), assemblyName, StringComparison.OrdinalIgnoreCase)
                || File.ReadAllText(file.FullName).Contains($"<AssemblyName>{assemblyName}</AssemblyName>", StringComparison.Ordinal))
            {
                return (project.FullName, file.FullName);
            }
        }

        return null;
    }

    private static string ConfigurationOf(string baseDirectory) =>
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(Path.GetFullPath(baseDirectory))).Parent?.Name ?? "Debug";

    private static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
    }

    // Relative beneath the current directory (as a user would type it), absolute elsewhere; quoted when it holds a space.
    private static string Display(string path, string currentDirectory)
    {
        string full = Path.GetFullPath(path);
        string relative = Path.GetRelativePath(currentDirectory, full);
        string shown = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
        if (!Path.IsPathRooted(shown) && !shown.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(full))
        {
            // A bare file name would be looked up on PATH by the shell.
            shown = "." + Path.DirectorySeparatorChar + shown;
        }

        return shown.Contains(' ', StringComparison.Ordinal) ? $"'{shown}'" : shown;
    }
}
