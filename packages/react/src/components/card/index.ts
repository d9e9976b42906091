export { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle, type CardProps } from './card.js';
