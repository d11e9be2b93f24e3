using FraudDetection;

await FraudDetectionApp.Build(args).RunAsync();
