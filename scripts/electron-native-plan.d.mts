export declare const prebuildInstallVersion: string;
export declare const nodeGypVersion: string;
export interface NativeStep {
  name: 'download' | 'compile';
  command: string;
  args: string[];
}
export declare function nativeAddonSteps(target: { electronVersion: string; platform: string; arch: string }): NativeStep[];
export declare function missingTools(platform: string, pathEnv: string): string[];
export declare function nativeFailureMessage(facts: { electronVersion: string; platform: string; missing: string[] }): string;
