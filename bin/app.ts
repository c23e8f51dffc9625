#!/usr/bin/env node
/** CDK entry point (`cdk synth`, `cdk deploy`): stage from `-c stage=dev|prod`. */
import { buildApp } from '../lib/app';

buildApp();
