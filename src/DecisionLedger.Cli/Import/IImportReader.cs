namespace DecisionLedger.Cli.Import;

/// <summary>One import format over one source: yields its records in order, and says how far it has read.</summary>
internal interface IImportReader : IAsyncDisposable
{
    /// <summary>The format's name, as <c>--format</c> spells it.</summary>
    string Format { get; }

    /// <summary>What is read, for the import event and messages: a file's full path, or the database and table (never a password).</summary>
    string Source { get; }

    /// <summary>The size of the source (bytes of a file, rows of a table), for the progress bar; 0 when unknown.</summary>
    long Length { get; }

    /// <summary>How much of <see cref="Length"/> has been read.</summary>
    long Position { get; }

    /// <summary>Reads the records; a record that cannot be read is yielded refused, and reading goes on.</summary>
    /// <exception cref="CliException">The source cannot be opened or read at all.</exception>
    IAsyncEnumerable<ImportRecord> ReadAsync(CancellationToken cancellationToken);
}
